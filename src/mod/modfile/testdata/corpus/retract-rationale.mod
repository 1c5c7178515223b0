module example.com/lib

go 1.19

// v1.0.5 published a broken build of the parser.
retract v1.0.5

retract (
	// Accidentally tagged from a fork.
	[v1.1.0, v1.1.9]
	v1.2.0 // contains a data race
	// first line
	//
	// second paragraph
	v1.3.0

	[v0.9.0, v0.9.5] // pre-release mishaps
)

require golang.org/x/mod v0.6.0
