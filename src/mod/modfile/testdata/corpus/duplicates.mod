module example.com/dups

go 1.17

require example.com/a v1.0.0
require example.com/a v1.1.0 // second
require (
	example.com/a v1.2.0
	example.com/b v0.1.0
)

replace example.com/a v1.0.0 => ./a0
replace example.com/a v1.0.0 => ./a1
