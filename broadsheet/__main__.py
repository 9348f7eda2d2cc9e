from broadsheet.cli.main import main

raise SystemExit(main())
