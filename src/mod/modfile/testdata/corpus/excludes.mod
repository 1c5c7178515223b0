module example.com/excl

go 1.19

require (
	github.com/lib/pq v1.10.6
	rsc.io/quote v1.5.2
)

exclude (
	rsc.io/sampler v1.99.99
	github.com/lib/pq v1.10.0 // broke prepared statements
	github.com/lib/pq v1.9.0
	rsc.io/sampler v1.3.1
)

exclude golang.org/x/text v0.3.8
exclude golang.org/x/text v0.3.8
