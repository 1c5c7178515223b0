go 1.19

require example.com/x v1.0.0
