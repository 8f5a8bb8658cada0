package operator_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func TestOfficeChartCoversTheBookableDaysWithNumbers(t *testing.T) {
	e := newEnv(t)
	e.Book(t, e.citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	c2 := e.citizen(t, 2)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, c2.ID, e.Place(t, "FT01", "idcard", "2026-12-01", "14:00").ID); err != nil {
		t.Fatal(err)
	}
	admin := e.browser(t).login("admin1")
	_, body := admin.get("/console/office?office=FT01")
	labels := regexp.MustCompile(`<text x="\d+" y="170"[^>]*>([0-9-]+)</text>`).FindAllStringSubmatch(body, -1)
	window := e.Svc.Window()
	if len(labels) != len(window) {
		t.Fatalf("%d bars, %d bookable days", len(labels), len(window))
	}
	for i, d := range window {
		if want := strings.TrimPrefix(d.String()[5:], "0"); labels[i][1] != want {
			t.Fatalf("bar %d is %s, want %s", i, labels[i][1], want)
		}
	}
	// today (11-30) is not bookable; day +14 (12-14, a Monday) is
	if labels[0][1] != "12-01" || labels[len(labels)-1][1] != "12-14" {
		t.Fatalf("bars run %s … %s", labels[0][1], labels[len(labels)-1][1])
	}
	// 12-01 at FT01: 2 businesses × 2 periods × 2 places = 8; one booked, one held
	if !strings.Contains(body, ">1/8</text>") || !strings.Contains(body, ">保1</text>") {
		t.Fatal("the bars do not carry their numbers")
	}
}

func download(t *testing.T, b *browser, path string) [][]string {
	t.Helper()
	code, body, _ := b.do("GET", path, nil)
	if code != 200 {
		t.Fatalf("%s: %d", path, code)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	return rows
}

func TestExportsAndAuditPaging(t *testing.T) {
	e := newEnv(t)
	var refs []string
	for n := 1; n <= 3; n++ {
		refs = append(refs, e.Book(t, e.citizen(t, n), e.Place(t, "FT01", "newborn", "2026-12-01", []string{"09:00", "09:00", "14:00"}[n-1])).Reference)
	}
	e.Clock.Set(storetest.At("2026-12-01 08:00"))
	clerk := e.browser(t).login("clerk1")
	rows := download(t, clerk, "/console/office/day.csv")
	if len(rows) != 4 || rows[0][3] != "受理号" || rows[1][0] != "福田派出所户政室" || rows[1][5] != "已预约" {
		t.Fatalf("day list CSV: %q", rows)
	}
	for _, ref := range refs {
		if !strings.Contains(fmt.Sprint(rows), ref) {
			t.Fatalf("reference %s missing from the CSV", ref)
		}
	}
	if rows := download(t, clerk, "/console/office/day.csv?office=NS01"); rows[1][0] != "福田派出所户政室" {
		t.Fatalf("a clerk exported another office: %q", rows[1])
	}

	admin := e.browser(t).login("admin1")
	// 60 views of one citizen make more than a page
	page := admin.open(storetest.ID(1), "核查")
	for range 60 {
		admin.get(page)
	}
	handle := strings.TrimPrefix(page, "/console/c/")
	_, body := admin.get("/console/audit?action=citizen.view&citizen=" + handle)
	if n := strings.Count(body, ">查看市民</td>"); n != 50 || !strings.Contains(body, `id="next"`) {
		t.Fatalf("first page: %d rows", n)
	}
	next := regexp.MustCompile(`href="([^"]+)" id="next"`).FindStringSubmatch(body)[1]
	_, body = admin.get(strings.ReplaceAll(next, "&amp;", "&"))
	if n := strings.Count(body, ">查看市民</td>"); n != 10 || strings.Contains(body, `id="next"`) {
		t.Fatalf("second page: %d rows", n)
	}
	rows = download(t, admin, "/console/audit.csv?action=citizen.view&actor=admin1&from=2026-12-01&to=2026-12-01&citizen="+handle)
	if len(rows) != 61 || rows[1][1] != "admin1" || rows[1][3] != "查看市民" || rows[1][8] != "citizen.view" {
		t.Fatalf("audit CSV: %d rows, first %q", len(rows), rows[1])
	}
	if rows := download(t, admin, "/console/audit.csv?from=2026-12-02"); len(rows) != 1 {
		t.Fatalf("filtered by a later date: %d rows", len(rows))
	}
	_, body = admin.get("/console/audit?actor=test")
	if !strings.Contains(body, "预约确认") || !strings.Contains(body, "已生成受理号") || strings.Contains(body, ">booking.confirm<") {
		t.Fatal("the audit log is not in Chinese")
	}
	if code, _ := admin.get("/console/audit?citizen=nosuchhandle"); code != http.StatusNotFound {
		t.Fatalf("unknown citizen filter: %d", code)
	}
}

func TestCSVCellsAreNotFormulas(t *testing.T) {
	e := newEnv(t)
	c := e.citizen(t, 1)
	admin := e.browser(t).login("admin1")
	admin.get(admin.open(c.Phone[3:], "=HYPERLINK(\"http://x\")"))
	rows := download(t, admin, "/console/audit.csv?action=citizen.view")
	if len(rows) != 2 || !strings.HasPrefix(rows[1][6], "市民页面") {
		t.Fatalf("rows %q", rows)
	}
	e.InTx(ctx, func(tx booking.Tx) error {
		return tx.Audit(booking.AuditEntry{At: e.Clock.Now(), Actor: "=cmd|' /C calc'!A0", Channel: "ivr", Action: "x"})
	})
	rows = download(t, admin, "/console/audit.csv?action=x")
	if len(rows) != 2 || rows[1][1] != "'=cmd|' /C calc'!A0" {
		t.Fatalf("formula cell: %q", rows[1])
	}
}
