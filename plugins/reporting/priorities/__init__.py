"""信息要点: the reporting priorities an upper level keeps for a year and offers to the
levels below it, which tag their items against them."""
