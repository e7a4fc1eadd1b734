import ArgumentParser

ReefCommand.main()
