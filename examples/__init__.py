"""Example data of the course kit: synthetic student submissions and their expected grades."""
