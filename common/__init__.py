"""What both versions of every lesson share: the course's timer, the recorder,
the lesson runner and its command line, virtual clocks for the tests."""
