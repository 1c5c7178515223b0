module example.com/checkout

go 1.19

require example.com/greeter v1.1.0

require example.com/strutil v0.3.0 // indirect
