"""The referee: a trusted process that runs the tests against the student's process by wire."""
