package operator

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// sendCSV answers a CSV download; the byte-order mark makes Excel read the
// Chinese as UTF-8.
func sendCSV(ctx *fiber.Ctx, filename string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		for i, cell := range r {
			r[i] = defuse(cell)
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	ctx.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	ctx.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	return ctx.Send(buf.Bytes())
}

// defuse keeps a spreadsheet from running a cell as a formula: text from
// callers or operators may start with = + - @.
func defuse(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// officeCSV exports an office's list of one day.
func (c *Console) officeCSV(ctx *fiber.Ctx) error {
	office, day := c.officeOf(ctx), c.dayOf(ctx)
	off, ok := c.Svc.Catalog.Office(office)
	if !ok {
		return fiber.ErrNotFound
	}
	list, err := c.dayList(ctx, office, day)
	if err != nil {
		return err
	}
	rows := [][]string{{"受理点", "日期", "时段", "受理号", "业务", "状态", "取号", "status"}}
	for _, b := range list {
		q := ""
		if b.QueueNo > 0 {
			q = fmt.Sprintf("%03d", b.QueueNo)
		}
		rows = append(rows, []string{off.Name, b.Date.String(), b.Start + "-" + b.End, b.Reference, b.BusinessName,
			statusText(b.Status), q, string(b.Status)})
	}
	return sendCSV(ctx, office+"-"+day.String()+".csv", rows)
}
