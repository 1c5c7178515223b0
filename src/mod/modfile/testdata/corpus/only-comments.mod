// a file
// with only comments

// and blank lines
