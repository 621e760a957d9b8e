package main

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Whether a role's password on the server is a given plaintext. A role's password is write-only
// (PostgreSQL keeps a SCRAM-SHA-256 or md5 verifier), so the stand-in checks rather than reads:
//   - a superuser reads the verifier from pg_authid and recomputes it from the plaintext;
//   - anyone else (a managed-service admin cannot read pg_authid) tries to log in as the role:
//     28P01 (invalid_password) means no; a session, or any error raised after authentication
//     (no CONNECT, connection limit), means yes.
// known is false when neither could tell (pg_hba rejects the login before authentication, the
// server is unreachable): callers then assume the password differs, which re-sets it.
// The upstream provider (cyrilgdn/terraform-provider-postgresql, readRolePassword) never checks
// SCRAM verifiers ("TODO: implement scram-sha-256 challenge"): after an import it stores the
// verifier as the password and its first update re-sets the same password.

type passwordCheck struct {
	match, known bool
}

func (p *pgProvider) passwordMatches(ctx context.Context, role, password string) (passwordCheck, error) {
	var verifier *string
	ok, err := p.queryRow(ctx, "", `SELECT rolpassword FROM pg_authid WHERE rolname = $1`, []any{role}, &verifier)
	if err == nil && ok {
		if verifier == nil {
			return passwordCheck{match: false, known: true}, nil
		}
		if m, known := verifierMatches(*verifier, role, password); known {
			return passwordCheck{match: m, known: true}, nil
		}
	}
	// Not a superuser (42501 on pg_authid) or a verifier format we do not know: try a login.
	c := p.cfg()
	c.username, c.password = role, password
	conn, err := c.connect(ctx, "")
	if err == nil {
		_ = conn.Close(ctx)
		return passwordCheck{match: true, known: true}, nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "28P01":
			return passwordCheck{match: false, known: true}, nil
		case pgErr.Code == "28000" && strings.Contains(pgErr.Message, "pg_hba"):
			return passwordCheck{}, nil // refused before authentication
		default:
			return passwordCheck{match: true, known: true}, nil // authenticated, then refused for another reason
		}
	}
	return passwordCheck{}, nil
}

// verifierMatches recomputes a pg_authid verifier from a plaintext. SASLprep is not applied:
// PostgreSQL leaves ASCII passwords unchanged, and the stack's are alphanumeric.
func verifierMatches(verifier, role, password string) (match, known bool) {
	if strings.HasPrefix(verifier, "md5") {
		sum := md5.Sum([]byte(password + role))
		return verifier == "md5"+hex.EncodeToString(sum[:]), true
	}
	// SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
	rest, ok := strings.CutPrefix(verifier, "SCRAM-SHA-256$")
	if !ok {
		return false, false
	}
	params, keys, ok := strings.Cut(rest, "$")
	iterText, saltText, ok1 := strings.Cut(params, ":")
	storedText, _, ok2 := strings.Cut(keys, ":")
	iterations, err := strconv.Atoi(iterText)
	salt, err1 := base64.StdEncoding.DecodeString(saltText)
	stored, err2 := base64.StdEncoding.DecodeString(storedText)
	if !ok || !ok1 || !ok2 || err != nil || err1 != nil || err2 != nil {
		return false, false
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return false, false
	}
	mac := hmac.New(sha256.New, salted)
	mac.Write([]byte("Client Key"))
	clientKey := mac.Sum(nil)
	storedKey := sha256.Sum256(clientKey)
	return hmac.Equal(storedKey[:], stored), true
}
