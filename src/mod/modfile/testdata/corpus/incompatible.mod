module example.com/incompat

go 1.14

require (
	github.com/docker/docker v20.10.17+incompatible
	github.com/go-kit/kit v0.12.0
	gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405
	gopkg.in/yaml.v2 v2.4.0
	gopkg.in/mgo.v2 v2.0.0-20190816093944-a6b53ec6cb22
)
