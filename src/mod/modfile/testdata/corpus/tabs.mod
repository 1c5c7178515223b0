module example.com/tabs		// tabbed

go	1.19

require	example.com/t	v1.0.0
		
