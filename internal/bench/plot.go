package bench

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Plot draws seconds against N for each kind, one panel per phase (two
// rows of two), as SVG.
func Plot(res *Results) ([]byte, error) {
	img := vgsvg.New(plotWidth, plotHeight)
	if err := drawPlot(res, draw.New(img)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := img.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const (
	plotWidth  = 33 * vg.Centimeter
	plotHeight = 11 * vg.Centimeter
)

func drawPlot(res *Results, dc draw.Canvas) error {
	cols := len(allPhases) // one row: apply, plan, destroy
	rows := make([][]*plot.Plot, (len(allPhases)+cols-1)/cols)
	for i := range rows {
		rows[i] = make([]*plot.Plot, cols)
	}
	for i, phase := range allPhases {
		p := plot.New()
		p.Title.Text = "terraform " + phase
		p.X.Label.Text = "N resources"
		p.Y.Label.Text = "seconds"
		p.Title.Padding = 2 * vg.Millimeter
		var lines []any
		for _, kind := range []string{KindRules, KindAssociations, KindPluginFloor, KindFloor} {
			var pts plotter.XYs
			for _, n := range res.Suite.Ns {
				if m, ok := res.Find(kind, n, phase); ok {
					pts = append(pts, plotter.XY{X: float64(n), Y: m.Seconds()})
				}
			}
			if len(pts) > 0 {
				lines = append(lines, kind, pts)
			}
		}
		if err := plotutil.AddLinePoints(p, lines...); err != nil {
			return fmt.Errorf("%s panel: %w", phase, err)
		}
		p.Y.Min = 0
		p.Legend.Top, p.Legend.Left = true, true
		rows[i/cols][i%cols] = p
	}
	tiles := draw.Tiles{Rows: len(rows), Cols: cols, PadX: 8 * vg.Millimeter, PadY: 4 * vg.Millimeter,
		PadTop: 4 * vg.Millimeter, PadBottom: 4 * vg.Millimeter, PadLeft: 4 * vg.Millimeter, PadRight: 4 * vg.Millimeter}
	canvases := plot.Align(rows, tiles, dc)
	for i, row := range rows {
		for j, p := range row {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	return nil
}
