// Package shim exposes the random Terraform provider's internal constructor so that the
// Pulumi bridge (in the parent wrapper module) can import it. Go's internal-package rule is
// based on import paths, so this module path (a child of terraform-provider-random) may
// import terraform-provider-random/internal/provider.
package shim

import (
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns the upstream random provider (terraform-plugin-framework based).
func NewProvider() fwprovider.Provider { return provider.New() }
