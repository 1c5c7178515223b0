module example.com/bad

go 1.19
 requre example.com/x v1.0.0
require example.com/y
require example.com/z 1.0
exclude example.com/w/v2 v1.0.0
replace example.com/v => example.com/u
replace example.com/t => ./t v1.0.0
retract v1.0.0 extra
