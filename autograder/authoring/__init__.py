"""Authoring: build an assignment from its master (student variant, autograder zip, solution)
and prove it sound (verify)."""
