package main

import (
	"fmt"

	"example.com/greeter"
)

func main() {
	fmt.Println(greeter.Hello("checkout service"))
}
