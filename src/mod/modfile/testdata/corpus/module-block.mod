// Deprecated: the block form is legal too
module (
	example.com/blockmod
)

go 1.12
