module example.com/mix

go 1.17

require (
	example.com/direct v1.0.0
	example.com/ind1 v1.0.0 // indirect
	example.com/ind2 v1.0.0 // indirect; see issue 42
	example.com/also v1.0.0 // not indirect
	example.com/ind3 v1.0.0 //indirect
)

require example.com/single v1.0.0 // indirect
