<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ConsoleApplication</name>
    <message>
        <source>demo gateway (%1) at %2</source>
        <translation>Demo-Gateway (%1) unter %2</translation>
    </message>
</context>
<context>
    <name>DemoGateway</name>
    <message>
        <source>bhiv-gateway-sim was not found beside bhiv-ops or on PATH</source>
        <translation>bhiv-gateway-sim wurde weder neben bhiv-ops noch im PATH gefunden</translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>the simulator did not report its port: %1</source>
        <translation>der Simulator hat seinen Port nicht gemeldet: %1</translation>
    </message>
    <message>
        <source>the demo gateway crashed</source>
        <translation>das Demo-Gateway ist abgestürzt</translation>
    </message>
    <message>
        <source>the demo gateway exited with code %1</source>
        <translation>das Demo-Gateway wurde mit Code %1 beendet</translation>
    </message>
</context>
<context>
    <name>DesktopIntegration</name>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>%1 kann nicht entfernt werden: %2</translation>
    </message>
    <message>
        <source>BHIV Ops Console</source>
        <translation>BHIV-Betriebskonsole</translation>
    </message>
    <message>
        <source>&amp;Show console</source>
        <translation>Konsole &amp;anzeigen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <source>another console is already listening on %1</source>
        <translation>eine andere Konsole lauscht bereits auf %1</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>auf %1 kann nicht gelauscht werden: %2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>BHIV Ops Console: watch a BHIV gateway&apos;s health and metrics.

Verbs for scripts:
  bhiv-ops status --url URL [--json]   poll once and print the state
  bhiv-ops parse FILE [--json]         parse a /metrics body and print its samples</source>
        <translation>BHIV-Betriebskonsole: Zustand und Metriken eines BHIV-Gateways beobachten.

Befehle für Skripte:
  bhiv-ops status --url URL [--json]   einmal abfragen und den Zustand ausgeben
  bhiv-ops parse DATEI [--json]        einen /metrics-Inhalt einlesen und seine Messwerte ausgeben</translation>
    </message>
    <message>
        <source>Start the bundled gateway simulator and watch it.</source>
        <translation>Den mitgelieferten Gateway-Simulator starten und beobachten.</translation>
    </message>
    <message>
        <source>Dialect of the demo gateway: plan, modular, monolith.</source>
        <translation>Dialekt des Demo-Gateways: plan, modular, monolith.</translation>
    </message>
    <message>
        <source>Gateway base URL to watch.</source>
        <translation>Basis-URL des zu beobachtenden Gateways.</translation>
    </message>
    <message>
        <source>Seconds between polls (default 5; demo 2).</source>
        <translation>Sekunden zwischen zwei Abfragen (Standard 5; Demo 2).</translation>
    </message>
    <message>
        <source>Once data has arrived, save the window as a PNG and quit.</source>
        <translation>Sobald Daten da sind, das Fenster als PNG speichern und beenden.</translation>
    </message>
    <message>
        <source>Seconds to wait after the first data before --screenshot.</source>
        <translation>Sekunden, die nach den ersten Daten vor --screenshot gewartet wird.</translation>
    </message>
    <message>
        <source>Start minimised (to the system tray when there is one).</source>
        <translation>Minimiert starten (in den Systembereich der Kontrollleiste, falls vorhanden).</translation>
    </message>
    <message>
        <source>Start another console even when one is already running.</source>
        <translation>Eine weitere Konsole starten, auch wenn schon eine läuft.</translation>
    </message>
    <message>
        <source>Start at login with the other options given (on), or not (off).</source>
        <translation>Bei der Anmeldung mit den übrigen angegebenen Optionen starten (on) oder nicht (off).</translation>
    </message>
</context>
<context>
    <name>ops::HealthPanel</name>
    <message>
        <source>&lt;b&gt;Health&lt;/b&gt;</source>
        <translation>&lt;b&gt;Zustand&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Gateway components</source>
        <translation>Gateway-Komponenten</translation>
    </message>
    <message>
        <source>Waiting for the first answer from /health/detailed…</source>
        <translation>Warte auf die erste Antwort von /health/detailed …</translation>
    </message>
    <message>
        <source>Overall: &lt;span style=&quot;color:%1&quot;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt;</source>
        <translation>Gesamt: &lt;span style=&quot;color:%1&quot;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt;</translation>
    </message>
    <message>
        <source> — gateway says “%1”</source>
        <translation> — das Gateway meldet „%1“</translation>
    </message>
    <message>
        <source> — this gateway reports no components</source>
        <translation> — dieses Gateway meldet keine Komponenten</translation>
    </message>
    <message>
        <source> — &lt;b&gt;stale&lt;/b&gt;, last data %1 s ago</source>
        <translation> — &lt;b&gt;veraltet&lt;/b&gt;, letzte Daten vor %1 s</translation>
    </message>
</context>
<context>
    <name>ops::MainWindow</name>
    <message>
        <source>BHIV Ops Console — %1</source>
        <translation>BHIV-Betriebskonsole — %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Refresh now</source>
        <translation>Jetzt &amp;aktualisieren</translation>
    </message>
    <message>
        <source>Connection: &lt;b style=&quot;color:%1&quot;&gt;%2&lt;/b&gt;</source>
        <translation>Verbindung: &lt;b style=&quot;color:%1&quot;&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Dialect: %1</source>
        <translation>Dialekt: %1</translation>
    </message>
    <message>
        <source> (version %1)</source>
        <translation> (Version %1)</translation>
    </message>
    <message>
        <source>Last data %1 s ago</source>
        <translation>Letzte Daten vor %1 s</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>Noch keine Daten</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source> — showing data from %1 s ago, marked stale.</source>
        <translation> — zeigt Daten von vor %1 s, als veraltet markiert.</translation>
    </message>
</context>
<context>
    <name>ops::ResponseTimeChart</name>
    <message>
        <source>&lt;b&gt;Response time&lt;/b&gt; (average, last 15 min)</source>
        <translation>&lt;b&gt;Antwortzeit&lt;/b&gt; (Mittelwert, letzte 15 min)</translation>
    </message>
    <message>
        <source>average response time (ms)</source>
        <translation>mittlere Antwortzeit (ms)</translation>
    </message>
    <message>
        <source>time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Average response time chart</source>
        <translation>Diagramm der mittleren Antwortzeit</translation>
    </message>
    <message>
        <source>Waiting for the first scrape of /metrics…</source>
        <translation>Warte auf die erste Abfrage von /metrics …</translation>
    </message>
    <message>
        <source>This gateway exports no latency histogram: no response time to chart.</source>
        <translation>Dieses Gateway liefert kein Latenz-Histogramm: keine Antwortzeit darzustellen.</translation>
    </message>
    <message>
        <source>Collecting: the average needs two scrapes with requests in between.</source>
        <translation>Sammle Daten: der Mittelwert braucht zwei Abfragen mit Anfragen dazwischen.</translation>
    </message>
    <message>
        <source>Stale: the last point is %1 s old.</source>
        <translation>Veraltet: der letzte Punkt ist %1 s alt.</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>Poll a gateway once and print its state.</source>
        <translation>Ein Gateway einmal abfragen und seinen Zustand ausgeben.</translation>
    </message>
    <message>
        <source>Gateway base URL.</source>
        <translation>Basis-URL des Gateways.</translation>
    </message>
    <message>
        <source>Print one JSON object.</source>
        <translation>Ein JSON-Objekt ausgeben.</translation>
    </message>
    <message>
        <source>Seconds to wait for an answer (default 20).</source>
        <translation>Sekunden, die auf eine Antwort gewartet wird (Standard 20).</translation>
    </message>
</context>
</TS>
