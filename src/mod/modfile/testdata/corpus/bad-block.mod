module example.com/bad

frobnicate (
	a b
)

require x v1 v2 (
)
