


module example.com/leading



go 1.19



