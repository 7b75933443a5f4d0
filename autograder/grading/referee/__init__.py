"""The trusted referee: runs the tests (server), its handle in the grading thread (client), and
stand-ins for the student's objects (remote)."""
