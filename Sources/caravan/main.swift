import CaravanServer

await CaravanEntrypoint.main()
