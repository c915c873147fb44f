module github.com/ruralhealth/ncms

go 1.26

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/shopspring/decimal v1.6.0
	github.com/tetratelabs/wazero v1.12.0
)

require golang.org/x/sys v0.44.0 // indirect
