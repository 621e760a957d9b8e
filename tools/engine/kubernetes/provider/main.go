// pulumi-resource-kubernetes: upstream's cmd/pulumi-resource-kubernetes entry point, rebuilt here
// because Go cannot embed files from another module. build-kubernetes.sh copies this file and
// go.mod/go.sum into a build directory next to schema-embed.json and terraform-mapping-embed.json,
// which ./embedgen derives from the schema.json and terraform-mapping.json of the pinned module.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
