module example.com/checkout

go 1.19

require (
	example.com/greeter v1.1.0
	git.corp.example/platform/auth v0.4.1
)

require example.com/strutil v0.3.0 // indirect
