module github.com/big/app

go 1.18

require (
	cloud.google.com/go/compute v1.7.0
	cloud.google.com/go/storage v1.24.0
	github.com/BurntSushi/toml v1.2.0
	github.com/Masterminds/semver/v3 v3.1.1
	github.com/aws/aws-sdk-go v1.44.66
	github.com/aws/aws-sdk-go-v2 v1.16.8
	github.com/aws/aws-sdk-go-v2/config v1.15.15
	github.com/aws/aws-sdk-go-v2/service/s3 v1.27.2
	github.com/cenkalti/backoff/v4 v4.1.3
	github.com/dustin/go-humanize v1.0.0
	github.com/fatih/color v1.13.0
	github.com/go-chi/chi/v5 v5.0.7
	github.com/go-redis/redis/v8 v8.11.5
	github.com/golang-jwt/jwt/v4 v4.4.2
	github.com/golang/mock v1.6.0
	github.com/google/go-cmp v0.5.8
	github.com/google/go-github/v45 v45.2.0
	github.com/hashicorp/go-multierror v1.1.1
	github.com/hashicorp/golang-lru v0.5.4
	github.com/jackc/pgx/v4 v4.16.1
	github.com/json-iterator/go v1.1.12
	github.com/klauspost/compress v1.15.9
	github.com/mattn/go-isatty v0.0.14
	github.com/mitchellh/mapstructure v1.5.0
	github.com/olekukonko/tablewriter v0.0.5
	github.com/prometheus/client_golang v1.12.2
	github.com/rs/zerolog v1.27.0
	github.com/shopspring/decimal v1.3.1
	github.com/spf13/viper v1.12.0
	github.com/stretchr/testify v1.8.0
	go.opentelemetry.io/otel v1.8.0
	go.uber.org/zap v1.21.0
	golang.org/x/oauth2 v0.0.0-20220722155238-128564f6959c
	golang.org/x/sync v0.0.0-20220722155255-886fb9371eb4
	golang.org/x/time v0.0.0-20220722155302-e5dcc9cfc0b9
	google.golang.org/api v0.90.0
	gopkg.in/yaml.v3 v3.0.1
	honnef.co/go/tools v0.3.2
)

require (
	github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream v1.4.3 // indirect
	github.com/aws/smithy-go v1.12.0 // indirect
	github.com/cespare/xxhash/v2 v2.1.2 // indirect
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/fsnotify/fsnotify v1.5.4 // indirect
	github.com/hashicorp/errwrap v1.0.0 // indirect
	github.com/jackc/pgconn v1.12.1 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	go.uber.org/atomic v1.9.0 // indirect
	go.uber.org/multierr v1.8.0 // indirect
	golang.org/x/crypto v0.0.0-20220722155217-630584e8d5aa // indirect
	golang.org/x/net v0.0.0-20220722155237-a158d28d115b // indirect
	google.golang.org/protobuf v1.28.1 // indirect
)
