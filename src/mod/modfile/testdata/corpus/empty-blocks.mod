module example.com/empty

go 1.19

require ()

replace (
)

exclude (

)
