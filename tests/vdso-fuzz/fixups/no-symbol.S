/* A routine under another name. */
ENTRY(check_something_else)
	rts
