module example.com/crlf

go 1.18

require (
	github.com/pkg/errors v0.9.1 // indirect
	golang.org/x/text v0.3.7
)

// trailing comment
