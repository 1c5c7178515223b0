module example.com/monorepo/svc

go 1.19

require (
	example.com/monorepo/lib v0.0.0-00010101000000-000000000000
	example.com/monorepo/proto v0.0.0-00010101000000-000000000000
	github.com/hashicorp/vault/api v1.7.2
	google.golang.org/grpc v1.47.0
)

replace example.com/monorepo/lib => ../lib

replace example.com/monorepo/proto => ../../proto

replace (
	github.com/hashicorp/vault/api v1.7.2 => github.com/acme/vault-api v1.7.3-acme.1
	google.golang.org/grpc => google.golang.org/grpc v1.46.2 // pinned until the keepalive bug is fixed
	golang.org/x/net v0.0.0-20220127200216-cd36cc0744dd => /opt/vendor/golang.org/x/net
)

replace golang.org/x/crypto v0.1.0 => golang.org/x/crypto v0.0.0-20220722155217-630584e8d5aa
