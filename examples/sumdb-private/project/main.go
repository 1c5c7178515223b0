package main

import (
	"fmt"

	"example.com/greeter"
	"git.corp.example/platform/auth"
)

func main() {
	fmt.Println(greeter.Hello("checkout service"))
	fmt.Println("Authorization:", auth.ServiceToken("payments"))
}
