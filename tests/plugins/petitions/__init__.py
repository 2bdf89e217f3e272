"""The petitions plugin (信访)."""
