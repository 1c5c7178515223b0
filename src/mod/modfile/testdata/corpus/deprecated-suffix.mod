module example.com/gone // Deprecated: moved to example.com/here

go 1.18
