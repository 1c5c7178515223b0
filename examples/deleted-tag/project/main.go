package main

import (
	"fmt"

	"example.com/greeter"
	"example.com/ratelimit"
)

func main() {
	limiter := ratelimit.New(100)
	if limiter.Allow() {
		fmt.Println(greeter.Hello("checkout service"))
	}
}
