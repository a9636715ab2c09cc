"""The faithful versions: the scripts of the videos, run on asyncio."""
