module example.com/bad

require (
	example.com/x v1.0.0
