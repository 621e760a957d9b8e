// embedgen writes the two files upstream's cmd/pulumi-resource-kubernetes embeds, the way its
// generate.go does: the schema with its version set (what GetSchema returns), and the terraform
// mapping re-serialized compactly.
//
//	go run ./embedgen <dir of the pinned module's cmd/pulumi-resource-kubernetes> <out dir> <version>
package main

import (
	"encoding/json"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: embedgen <src dir> <out dir> <version>")
	}
	src, out, version := os.Args[1], os.Args[2], os.Args[3]

	var spec schema.PackageSpec
	decode(filepath.Join(src, "schema.json"), &spec)
	spec.Version = version
	encode(filepath.Join(out, "schema-embed.json"), spec)

	var mapping any
	decode(filepath.Join(src, "terraform-mapping.json"), &mapping)
	encode(filepath.Join(out, "terraform-mapping-embed.json"), mapping)
}

func decode(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

func encode(path string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		log.Fatal(err)
	}
}
