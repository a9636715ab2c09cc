"""The faithful versions: the scripts of the videos, run on asyncio."""

from common.starting import quiet_ctrl_c_while_starting

quiet_ctrl_c_while_starting()  # python -m lessons_…: Ctrl-C during the imports, one line
