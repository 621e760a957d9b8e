package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

// gRPC resource lifecycle: Diff, Create, Read, Update, Delete dispatched to the kinds.

func (p *pgProvider) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if len(olds) == 0 { // state written without inputs: compare against outputs
		if olds, err = unmarshal(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	ignore := map[string]bool{}
	for _, x := range k.ignoreDiff {
		ignore[x] = true
	}
	replace := map[string]bool{}
	for _, x := range k.replaceOn {
		replace[x] = true
	}
	keys := map[resource.PropertyKey]bool{}
	for key := range olds {
		keys[key] = true
	}
	for key := range news {
		keys[key] = true
	}
	var diffs, replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for key := range keys {
		if ignore[string(key)] {
			continue
		}
		ov, nv := olds[key], news[key]
		if ov.DeepEquals(nv) {
			continue
		}
		if !nv.ContainsUnknowns() && unwrap(ov).DeepEquals(unwrap(nv)) {
			continue // only secretness changed
		}
		if _, set := news[key]; !set && has(k.computed, string(key)) {
			continue // the server's value stands
		}
		if has(k.sets, string(key)) && !nv.ContainsUnknowns() && sameSet(unwrap(ov), unwrap(nv)) {
			continue
		}
		if k.sameOnServer != nil && !nv.ContainsUnknowns() && k.sameOnServer(ctx, p, req.GetId(), string(key), unwrap(nv)) {
			continue // e.g. an imported role whose password already is the program's
		}
		diffs = append(diffs, string(key))
		kind := pulumirpc.PropertyDiff_UPDATE
		if replace[string(key)] {
			replaces = append(replaces, string(key))
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
		}
		detailed[string(key)] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	sort.Strings(diffs)
	sort.Strings(replaces)
	if len(diffs) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}, nil
	}
	return &pulumirpc.DiffResponse{
		Changes:             pulumirpc.DiffResponse_DIFF_SOME,
		Diffs:               diffs,
		Replaces:            replaces,
		DetailedDiff:        detailed,
		HasDetailedDiff:     true,
		DeleteBeforeReplace: len(replaces) > 0 && olds["name"].DeepEquals(news["name"]),
	}, nil
}

func (p *pgProvider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		out, err := marshal(in)
		return &pulumirpc.CreateResponse{Properties: out}, err
	}
	ctx, cancel := withTimeout(ctx, req.GetTimeout())
	defer cancel()
	id, outs, err := k.create(ctx, p, in)
	if err != nil {
		return nil, err
	}
	out, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

func (p *pgProvider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	st, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	ok, outs, err := k.read(ctx, p, req.GetId(), st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &pulumirpc.ReadResponse{}, nil // gone
	}
	out, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	// Inputs as the server has them (refresh: drift shows in the next diff; import: the state
	// starts from the server), keeping inputs the server cannot report (skipDropRole, ...).
	ins, err := unmarshal(req.GetInputs())
	if err != nil {
		return nil, err
	}
	for _, key := range k.readKeys {
		if v, found := outs[resource.PropertyKey(key)]; found {
			ins[resource.PropertyKey(key)] = v
		} else {
			delete(ins, resource.PropertyKey(key))
		}
	}
	in, err := marshal(ins)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: out, Inputs: in}, nil
}

func (p *pgProvider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	k, t, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		out, err := marshal(news)
		return &pulumirpc.UpdateResponse{Properties: out}, err
	}
	if k.update == nil {
		return nil, fmt.Errorf("%s cannot be updated in place", t)
	}
	ctx, cancel := withTimeout(ctx, req.GetTimeout())
	defer cancel()
	outs, err := k.update(ctx, p, req.GetId(), olds, news)
	if err != nil {
		return nil, err
	}
	out, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

func (p *pgProvider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	st, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, req.GetTimeout())
	defer cancel()
	return &emptypb.Empty{}, k.delete(ctx, p, req.GetId(), st)
}

func withTimeout(ctx context.Context, seconds float64) (context.Context, context.CancelFunc) {
	if seconds <= 0 {
		seconds = 300
	}
	return context.WithTimeout(ctx, time.Duration(seconds*float64(time.Second)))
}
