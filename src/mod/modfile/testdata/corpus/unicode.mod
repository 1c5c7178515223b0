// Überprüft von der Qualitätssicherung — ✓
module example.com/ünïcödé

go 1.19

require (
	example.com/日本 v1.0.0 // 依存関係
	golang.org/x/text v0.3.7 // ΑΒΓ
)
