package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/meshport/meshport/models"
)

func TestUsersPageEndsSessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ada, omar, vera := app.signedIn(t, "ada"), app.signedIn(t, "omar"), app.signedIn(t, "vera")

	for name, b := range map[string]*browser{"owner": omar, "viewer": vera} {
		if res := b.get("/users"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s opening /users: %d, want 403", name, res.StatusCode)
		}
		if b.get("/").Doc.Find(`nav a[href="/users"]`).Length() != 0 {
			t.Errorf("%s sees the Users link", name)
		}
	}
	if ada.get("/").Doc.Find(`nav a[href="/users"]`).Length() != 1 {
		t.Error("the admin does not see the Users link")
	}

	list := ada.get("/users")
	if list.StatusCode != http.StatusOK || len(list.Doc.Find("#users tbody tr").Nodes) != 3 {
		t.Fatalf("users page: %d with %d rows", list.StatusCode, len(list.Doc.Find("#users tbody tr").Nodes))
	}
	var omarUser models.User
	app.Store.DB().Where("subject = ?", "omar").Take(&omarUser)
	revoke := fmt.Sprintf("/users/%d/sessions/revoke", omarUser.ID)
	if list.Doc.Find(`form[action="`+revoke+`"]`).Length() != 1 {
		t.Fatalf("no End sessions button for Omar")
	}

	// Refused: a viewer forging the form, a request without CSRF token, bad ids.
	before := app.rowCounts(t)
	vera.get("/")
	if res, _ := vera.post(revoke, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer revoking: %d, want 403", res.StatusCode)
	}
	if res := ada.postNoCSRF(revoke, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("revoking without CSRF token: %d, want 403", res.StatusCode)
	}
	for _, bad := range []string{"/users/abc/sessions/revoke", "/users/99999/sessions/revoke", "/users/-1/sessions/revoke"} {
		if res, _ := ada.post(bad, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", bad, res.StatusCode)
		}
	}
	app.assertNothingWritten(t, before)
	if res := omar.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("Omar was signed out by refused requests: %d", res.StatusCode)
	}

	ada.get("/users")
	res, _ := ada.post(revoke, nil)
	if kind, msg := ada.follow(res).flash(); kind != "success" || msg != "Ended 1 session(s)." {
		t.Errorf("flash %q %q", kind, msg)
	}
	if res := omar.get("/products"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("Omar still signed in after his sessions ended: %d", res.StatusCode)
	}
	if res := vera.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("Vera was signed out too: %d", res.StatusCode)
	}
}
