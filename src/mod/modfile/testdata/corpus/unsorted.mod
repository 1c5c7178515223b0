module example.com/unsorted

go 1.19

require (
	golang.org/x/text v0.3.7
	github.com/z/z v1.0.0
	github.com/a/a v1.0.0
	github.com/A/B v1.0.0
	github.com/a/a/v2 v2.0.0
)

exclude (
	example.com/m v1.10.0
	example.com/m v1.9.0
	example.com/m v1.2.0
)

retract (
	v1.0.0
	[v1.1.0, v1.2.0]
	v1.3.0
)
