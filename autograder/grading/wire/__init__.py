"""The data-only wire between the trusted referee and the student's process: frames, requests
both ways (rpc), and the student's end (student_side)."""
