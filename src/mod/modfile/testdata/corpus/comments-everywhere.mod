// header comment 1

// header comment 2, attached to module
module example.com/comments // module suffix
// after module

// before go
go 1.19 // go suffix

require ( // lparen suffix
	// before a
	example.com/a v1.0.0 // a suffix

	// before b, after a blank line
	example.com/b v1.1.0 // indirect; b is only needed by a
	example.com/c v1.2.0 //indirect

	// dangling comment before rparen
) // rparen suffix

// standalone comment block


// another one after two blank lines

exclude example.com/a v0.9.0 // bad release
// trailing comment at EOF
