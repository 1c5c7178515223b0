module "example.com/quoted"

go 1.19

require (
	"example.com/plain" "v1.0.0"
	"example.com/with space" v1.0.0
)

replace "example.com/plain" => "../with space/plain"
