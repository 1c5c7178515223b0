module     "example.com/odd"   // the module

go     1.17
require    github.com/a/b   v1.0.0
require	(
  github.com/c/d    v0.1.0     //indirect
	  "github.com/e/f"    "v1.2.3"
		github.com/g/h v1.0.0-rc.1 //    indirect
)
exclude   github.com/c/d    v0.0.9
replace  github.com/a/b  =>  ../b
replace (
 github.com/x/y v1.0.0 => github.com/x/y-fork v1.0.1


)
