from gridbot.bot.cli import main

raise SystemExit(main())
