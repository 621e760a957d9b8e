// Command pulumi-resource-random is a locally built Pulumi provider for the `random` package.
//
// The published provider module (github.com/pulumi/pulumi-random/provider/v4) is not served by
// the Go module proxy reachable here, so this wrapper wires the same pieces together itself:
// the upstream Terraform provider (terraform-provider-random, pinned in go.mod to the commit
// pulumi-random v4.21.1 uses) and the Pulumi Terraform bridge (pinned to the version
// pulumi-random v4.21.1 uses). The token mapping reproduces pulumi-random's
// (random_<name> -> random:index/random<Name>:Random<Name>), which is what the
// @pulumi/random npm SDK sends.
//
// The package schema is generated from the mapping on demand (GetSchema); `pulumi up` never
// needs it, so no generated file is embedded.
package main

import (
	"context"
	"errors"
	"io"
	"sync"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

// version is set at link time: -ldflags "-X main.version=4.21.1". The bridge refuses to start
// with an empty or non-semver version.
var version string

func providerInfo() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:       pftfbridge.ShimProvider(shim.NewProvider()),
		Name:    "random",
		Version: version,
		// Upstream embeds bridge-metadata.json (auto-alias history, written by tfgen). Nothing in
		// it is needed to serve a fresh stack; the bridge only requires the value to be present.
		MetadataInfo: tfbridge.NewProviderMetadata([]byte("{}")),
		Resources: map[string]*tfbridge.ResourceInfo{
			// Old RandomString states may lack the schema-version marker; treat them as v1.
			"random_string": {
				PreStateUpgradeHook: func(a tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
					if a.PriorStateSchemaVersion == 0 {
						return 1, a.PriorState, nil
					}
					return a.PriorStateSchemaVersion, a.PriorState, nil
				},
			},
			// RandomBytes has no "id" attribute of its own: use the base64 value.
			"random_bytes": {ComputeID: randomBytesID},
		},
		JavaScript:                  &tfbridge.JavaScriptInfo{RespectSchemaVersion: true},
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
	}
	info.MustComputeTokens(tokens.SingleModule("random_", "index",
		func(module, name string) (string, error) {
			return tokens.MakeStandard("random")(module, "Random"+name)
		}))
	return info
}

func randomBytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes: no base64 property in state")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", errors.New("random_bytes: base64 property is not a string")
	}
	return resource.ID(v.StringValue()), nil
}

func main() {
	var (
		once   sync.Once
		schema []byte
		err    error
	)
	meta := pftfbridge.ProviderMetadata{
		XGetSchema: func(ctx context.Context, _ plugin.GetSchemaRequest) ([]byte, error) {
			once.Do(func() {
				var res *pftfgen.GenerateSchemaResult
				res, err = pftfgen.GenerateSchema(ctx, pftfgen.GenerateSchemaOptions{
					ProviderInfo:    providerInfo(),
					XInMemoryDocs:   true,
					DiagnosticsSink: diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never}),
				})
				if err == nil {
					schema = res.ProviderMetadata.PackageSchema
				}
			})
			return schema, err
		},
	}
	pftfbridge.Main(context.Background(), "random", providerInfo(), meta)
}
