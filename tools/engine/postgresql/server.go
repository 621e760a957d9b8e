package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// gRPC plumbing: provider state, (un)marshalling, plugin info, configuration and Check.

type pgProvider struct {
	pulumirpc.UnimplementedResourceProviderServer
	host *provider.HostClient

	mu     sync.RWMutex
	aclMu  sync.Mutex // serializes execLocked
	config pgConfig
}

func (p *pgProvider) cfg() pgConfig {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.config
}

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(st *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(st, marshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

func kindOf(urn string) (*kind, string, error) {
	t := string(resource.URN(urn).Type())
	k, ok := resources[t]
	if !ok {
		return nil, t, fmt.Errorf("the postgresql stand-in provider does not implement %s (supported: %s)",
			t, supportedTypes())
	}
	return k, t, nil
}

func (p *pgProvider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *pgProvider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{
		Schema: fmt.Sprintf(`{"name":%q,"version":%q,"description":"stand-in postgresql provider"}`, pkgName, version),
	}, nil
}

func (p *pgProvider) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	h, err := provider.NewHostClient(req.GetAddress())
	if err != nil {
		return nil, err
	}
	p.host = h
	return &emptypb.Empty{}, nil
}

func (p *pgProvider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *pgProvider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *pgProvider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if olds.DeepEquals(news) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	var diffs []string
	for k, v := range news {
		if !olds[k].DeepEquals(v) {
			diffs = append(diffs, string(k))
		}
	}
	for k := range olds {
		if _, ok := news[k]; !ok {
			diffs = append(diffs, string(k))
		}
	}
	sort.Strings(diffs)
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: diffs}, nil
}

func (p *pgProvider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	m := resource.PropertyMap{}
	if req.GetArgs() != nil {
		var err error
		if m, err = unmarshal(req.GetArgs()); err != nil {
			return nil, err
		}
	} else {
		for k, v := range req.GetVariables() { // "postgresql:config:host" = "..."
			key := k[strings.LastIndex(k, ":")+1:]
			m[resource.PropertyKey(key)] = s(v)
		}
	}
	c, err := configFrom(m)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.config = c
	p.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func randomSuffix() string {
	buf := make([]byte, 4)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)[:7]
}

func (p *pgProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	for key, v := range k.defaults {
		if _, ok := news[key]; !ok {
			news[key] = v
		}
	}
	if _, ok := news["name"]; !ok && k.autoname {
		switch {
		case olds.HasValue("name"):
			news["name"] = olds["name"]
		case req.GetAutonaming().GetMode() == pulumirpc.CheckRequest_AutonamingOptions_ENFORCE ||
			req.GetAutonaming().GetMode() == pulumirpc.CheckRequest_AutonamingOptions_PROPOSE:
			news["name"] = s(req.GetAutonaming().GetProposedName())
		default:
			news["name"] = s(string(resource.URN(req.GetUrn()).Name()) + "-" + randomSuffix())
		}
	}
	out, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: out}, nil
}
